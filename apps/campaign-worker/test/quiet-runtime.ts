import { DefaultLogger, Runtime } from '@temporalio/worker';

// The SDK's own error lines only.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // installed already in this process
}
