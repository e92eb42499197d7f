-- Remembered devices (ConfirmDevice, DEVICE_SRP_AUTH ...). The PostgreSQL migration mirrors it column
-- for column. A device keeps only the SRP salt and the sealed verifier its client computed: nothing
-- that would let the server act as the device (docs/behaviour.md, "Remembered devices").

-- The device a sign-in was issued to (NewDeviceMetadata) or authenticated with: its refresh token
-- works only with that DEVICE_KEY, and only while the device is confirmed and not forgotten.
ALTER TABLE sign_ins ADD COLUMN device_key TEXT;
ALTER TABLE sign_ins ADD COLUMN device_group_key TEXT;

CREATE TABLE devices (
  pool_id               TEXT NOT NULL,
  device_key            TEXT NOT NULL,
  username              TEXT NOT NULL,
  sub                   TEXT NOT NULL,
  -- The SRP "pool name" of the device's verifier (NewDeviceMetadata.DeviceGroupKey).
  group_key             TEXT NOT NULL,
  salt                  TEXT NOT NULL,
  verifier_sealed       TEXT NOT NULL,
  name                  TEXT,
  remembered            INTEGER NOT NULL,
  last_ip               TEXT,
  created_at            BIGINT NOT NULL,
  modified_at           BIGINT NOT NULL,
  last_authenticated_at BIGINT,
  PRIMARY KEY (pool_id, device_key),
  FOREIGN KEY (pool_id, username) REFERENCES users(pool_id, username) ON DELETE CASCADE
);
-- A user's devices by key (ListDevices' pages), and the cascade from users.
CREATE INDEX devices_user ON devices(pool_id, username, device_key);
