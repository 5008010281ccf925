// The app's db.js, reduced to what it does with DATABASE_URL: `new Pool({ connectionString })`, one query.
// Prints one JSON line: what the server says of this session, or the error's code and message (never the URL).
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const query = "SELECT current_user AS user, ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

pool.query(query)
  .then((result) => {
    console.log(JSON.stringify({ ok: true, ...result.rows[0] }));
    return pool.end();
  })
  .catch((error) => {
    console.log(JSON.stringify({ ok: false, code: error.code || null, message: String(error.message) }));
    process.exitCode = 1;
    return pool.end().catch(() => {});
  });
