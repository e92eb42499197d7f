-- Email and phone number values an update holds until they are verified
-- (UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate; docs/behaviour.md,
-- "Attribute verification"): a JSON list of {Name, Value}, NULL when none is pending. Read only with
-- its user's row, never searched. Mirrors migrations/sqlite/0017_pending_attributes.sql.
ALTER TABLE users ADD COLUMN pending_attributes TEXT;
