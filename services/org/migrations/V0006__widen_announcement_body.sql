-- Announcement bodies hold up to 20000 characters (R26); at up to 4 bytes each
-- in utf8mb4 that exceeds TEXT's 65535 bytes, so the column becomes MEDIUMTEXT.
ALTER TABLE announcements MODIFY body MEDIUMTEXT NOT NULL;
