// A migration in the app's form (node-pg-migrate 7, CommonJS): what `npm run migrate:up` runs on a deploy.
exports.up = (pgm) => {
  pgm.createTable('app_contract_probe', {
    id: 'id',
    note: { type: 'text', notNull: true },
  });
  pgm.sql("INSERT INTO app_contract_probe (note) VALUES ('migrated over verified TLS')");
};

exports.down = (pgm) => {
  pgm.dropTable('app_contract_probe');
};
