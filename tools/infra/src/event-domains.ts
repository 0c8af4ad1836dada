/** The domains that publish events: each gets a namespace in the events tenant. */
export const EVENT_DOMAINS = ['license'];
