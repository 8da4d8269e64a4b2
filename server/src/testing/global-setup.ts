import { prepareTestDatabases } from './db.js';

export default async function globalSetup(): Promise<void> {
  await prepareTestDatabases();
}
