import { licenseDomain } from '@fleet/license-contracts';
import { vsyncDomain } from '@fleet/vsync-contracts';
import { loadDeclarationSet, type DeclarationSet, type InputSchemas } from '@fleet/shared-schedules';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Every workflow input schema the gateway knows, from the domains' contracts libs. */
export const inputSchemas: InputSchemas = { ...licenseDomain.inputSchemas, ...vsyncDomain.inputSchemas };

/** Each app's `workflows.yaml`, found beside the gateway (apps/<app>/workflows.yaml). */
export function defaultDeclarationFiles(appsDir = path.join(__dirname, '..', '..', '..')): string[] {
  return readdirSync(appsDir)
    .map((app) => path.join(appsDir, app, 'workflows.yaml'))
    .filter((file) => existsSync(file))
    .sort();
}

/** Reads and validates every declaration file; throws a DeclarationError naming each problem. */
export function loadDeclared(files: string[]): DeclarationSet {
  return loadDeclarationSet(files, inputSchemas);
}
