// Uploaded files (photos, voice notes, signatures, documents). The bytes live in a FileStore (a local folder
// by default); the row says who uploaded them and, once a case names them, which case they belong to.
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const files = pgTable(
  'files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['image', 'audio', 'document'] }).notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    /** where the FileStore keeps the bytes */
    storageKey: text('storage_key').notNull(),
    uploadedBy: uuid('uploaded_by').notNull(),
    /** the case (workflow instance) the file was filed with, and its org path; null until then */
    instanceId: uuid('instance_id'),
    orgPath: text('org_path'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('files_instance_idx').on(t.instanceId), index('files_uploader_idx').on(t.uploadedBy)],
);
