import { DefaultLogger, Runtime } from '@temporalio/worker';

// The SDK's own error lines only (the failure tests make warnings on purpose).
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}
