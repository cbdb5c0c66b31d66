-- The demo shop of dags_examples/order_status.py: its orders, and the SMS already sent for them.
-- Loaded once into a new SQLite database (the DAG's prepare_db task); edit the database, not this file, to
-- play: UPDATE orders SET status = 'shipped', updated_at = datetime('now') WHERE id = 1003;

CREATE TABLE orders (
    id            INTEGER PRIMARY KEY,
    customer_name TEXT NOT NULL,
    phone         TEXT NOT NULL,
    status        TEXT NOT NULL,   -- received, processing, shipped, cancelled, refunded
    updated_at    TEXT NOT NULL    -- UTC, ISO 8601
);

-- One row per (order, status) ever notified: claimed before the send (sent_at NULL), completed after it.
CREATE TABLE sms_sent (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    status     TEXT NOT NULL,
    batch_id   TEXT NOT NULL,      -- the DAG run that claimed it; the send's campaign_id is made from it
    phone      TEXT NOT NULL,
    message    TEXT NOT NULL,      -- the text, rendered when claimed: a retry sends exactly this
    claimed_at TEXT NOT NULL,
    sent_at    TEXT,               -- NULL until the service accepted the send
    reference  TEXT,               -- the service's package id
    UNIQUE (order_id, status)
);
CREATE INDEX sms_sent_batch ON sms_sent (batch_id);

INSERT INTO orders (id, customer_name, phone, status, updated_at) VALUES
    (1001, 'Ayşe Yılmaz',   '0532 111 22 01', 'shipped',    '2026-01-05T08:10:00+00:00'),
    (1002, 'Mehmet Kaya',   '0533 111 22 02', 'received',   '2026-01-05T08:20:00+00:00'),
    (1003, 'Zeynep Demir',  '0542 111 22 03', 'processing', '2026-01-05T08:30:00+00:00'),
    (1004, 'Mustafa Şahin', '0505 111 22 04', 'received',   '2026-01-05T08:40:00+00:00'),
    (1005, 'Elif Çelik',    '0555 111 22 05', 'cancelled',  '2026-01-05T08:50:00+00:00'),
    (1006, 'Ahmet Öztürk',  '0536 111 22 06', 'processing', '2026-01-05T09:00:00+00:00'),
    (1007, 'Fatma Arslan',  '0544 111 22 07', 'shipped',    '2026-01-05T09:10:00+00:00'),
    (1010, 'Emre Doğan',    '0530 111 22 10', 'refunded',   '2026-01-05T09:20:00+00:00'),
    (1011, 'Selin Aydın',   '0531 111 22 11', 'received',   '2026-01-05T09:30:00+00:00'),
    (1012, 'Burak Koç',     '0535 111 22 12', 'processing', '2026-01-05T09:40:00+00:00');

-- What earlier runs sent: every order's current status except 1011 and 1012, whose changes are new.
INSERT INTO sms_sent (order_id, status, batch_id, phone, message, claimed_at, sent_at, reference)
SELECT id, status, 'seed', phone, '(demo history)', updated_at, updated_at, 'seed'
FROM orders WHERE id NOT IN (1011, 1012);
