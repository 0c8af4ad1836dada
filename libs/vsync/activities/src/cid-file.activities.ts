import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FileStatus, keyTypeOf } from '@fleet/vsync-dict-bridge';
import { CidFileMismatchError, stageCidFile } from '@fleet/vsync-data-access';
import type { CidFileStatus, VsyncActivities } from '@fleet/vsync-contracts';
import { Readable } from 'node:stream';
import type { VsyncActivityDeps } from './deps';
import { dictCall, heartbeater } from './support';

const FILE_STATUS: Record<FileStatus, CidFileStatus['status'] | undefined> = {
  [FileStatus.UNSPECIFIED]: undefined,
  [FileStatus.REQUESTED]: 'REQUESTED',
  [FileStatus.PROCESSING]: 'PROCESSING',
  [FileStatus.AVAILABLE]: 'AVAILABLE',
  [FileStatus.UNAVAILABLE]: 'UNAVAILABLE',
  [FileStatus.ERROR]: 'ERROR',
};

function fileStatus(file: { id: bigint; status: FileStatus; url: string; bytes: bigint; sha256: string } | undefined): CidFileStatus {
  const status = file && FILE_STATUS[file.status];
  if (!file || !status) throw ApplicationFailure.nonRetryable(`the bridge answered a CID file without a status`, 'DictBridgeProtocol');
  return status === 'AVAILABLE'
    ? { fileId: String(file.id), status, url: file.url, bytes: Number(file.bytes), sha256: file.sha256 }
    : { fileId: String(file.id), status };
}

/** The bytes of a download as they pass, each chunk reported (for a heartbeat) and none held. */
async function* reporting(body: AsyncIterable<Uint8Array>, report: (bytes: number) => void): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    report(bytes);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/** DICT's CID file of a key type: requested, polled, and streamed into the staging table. */
export function createCidFileActivities({ pool, bridge, participant, logger, metrics }: VsyncActivityDeps): Pick<VsyncActivities, 'requestCidFile' | 'getCidFile' | 'stageCidFile'> {
  return {
    async requestCidFile({ keyType }) {
      const response = await dictCall('createCidSetFile', () => bridge.createCidSetFile({ participant, keyType: keyTypeOf(keyType) }));
      return fileStatus(response.cidSetFile);
    },

    async getCidFile({ fileId }) {
      const response = await dictCall('getCidSetFile', () => bridge.getCidSetFile({ id: BigInt(fileId), requestingParticipant: participant }));
      return fileStatus(response.cidSetFile);
    },

    async stageCidFile({ reconciliationId, url, bytes, sha256 }) {
      const beat = heartbeater();
      const timer = metrics?.cidFileStaging.startTimer();
      const response = await fetch(url, { signal: Context.current().cancellationSignal });
      if (!response.ok || !response.body) {
        const failure = `CID file download ${url}: HTTP ${response.status}`;
        throw response.status >= 500 ? ApplicationFailure.retryable(failure, 'CidFileDownload') : ApplicationFailure.nonRetryable(failure, 'CidFileDownload');
      }
      try {
        const body = Readable.from(
          reporting(response.body as unknown as AsyncIterable<Uint8Array>, (done) => beat({ bytes: done, of: bytes })),
          { objectMode: false },
        );
        const staged = await stageCidFile(pool, { reconciliationId, body, bytes, sha256 });
        logger.info({ reconciliationId, cids: staged.cids, bytes }, 'CID file staged');
        timer?.();
        return staged;
      } catch (err) {
        // A corrupted download is worth another attempt; the rolled-back staging holds nothing of it.
        if (err instanceof CidFileMismatchError) throw ApplicationFailure.retryable(err.message, 'CidFileMismatch');
        throw err;
      }
    },
  };
}
