/**
 * Fleet's event envelope. Attribute names are CloudEvents 1.0's (`specversion`, `id`, `type`,
 * `source`, `subject`, `time`, `datacontenttype`) plus the `schemaversion` extension, so a
 * consumer can hand an event to any CloudEvents tooling. Pure types: contracts libs (and so
 * workflow code) may import this module.
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  specversion: '1.0';
  /** Unique per event: consumers de-duplicate by it. */
  id: string;
  /** e.g. `fleet.license.agent-deactivated` */
  type: Type;
  /** The app that emitted it, e.g. `license-worker`. */
  source: string;
  /** The aggregate the event is about (an agent id, a key): the Pulsar message key, so order per subject holds. */
  subject: string;
  /** ISO 8601 instant of the change. */
  time: string;
  datacontenttype: 'application/json';
  /** Version of `data`'s schema; a breaking change of `data` bumps it. */
  schemaversion: number;
  data: Data;
}

/** A domain event's definition, as a contracts lib declares it. */
export interface EventDefinition<Type extends string, Data> {
  type: Type;
  /** Topic name within the domain's namespace, e.g. `agent-deactivated`. */
  topic: string;
  domain: string;
  schemaVersion: number;
  /** Phantom: carries `Data` for typing only. */
  readonly data?: Data;
}

export function defineEvent<Data>() {
  return <Type extends string>(def: Omit<EventDefinition<Type, Data>, 'data'>): EventDefinition<Type, Data> => def;
}

/** Events live in the `fleet` tenant, a namespace per domain: `persistent://fleet/license/agent-deactivated`. */
export const FLEET_TENANT = 'fleet';

/** The topic of an event; another tenant isolates a test run or an environment sharing a cluster. */
export function topicOf(def: { domain: string; topic: string }, tenant: string = FLEET_TENANT): string {
  return `persistent://${tenant}/${def.domain}/${def.topic}`;
}

export type EnvelopeOf<D> = D extends EventDefinition<infer T, infer Data> ? EventEnvelope<T, Data> : never;
