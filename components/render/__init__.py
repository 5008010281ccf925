"""Render: the project environment, the owner lookup and the notification-override dynamic provider."""
