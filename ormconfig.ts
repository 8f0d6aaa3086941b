import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { MIGRATIONS } from './src/database/migrations';

/**
 * The DataSource the TypeORM CLI uses (npm run migration:run). The app itself runs the same
 * migrations at start-up; this is for running them ahead of a deploy. Needs DATABASE_URL.
 */
const config = loadConfig(process.env);
if (!config.database.url) throw new Error('set DATABASE_URL to run migrations from the CLI');

export default new DataSource({ type: 'postgres', url: config.database.url, migrations: MIGRATIONS });
