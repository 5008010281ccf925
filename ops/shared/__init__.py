"""The shared layer every command may import: errors, the project and its stack files, arguments, text and
markdown layout, masks and redaction, stack outputs, the placeholder cloud answers. It imports no command."""
