-- The subject of an email in the outbox, when a custom message trigger gave one (src/triggers/customMessage.ts).
ALTER TABLE outbox ADD COLUMN subject TEXT;
