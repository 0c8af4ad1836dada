import type { AgentActivities, AgentName, SiteFacts } from '@fleet/campaigns-contracts';
import { runAgent, type AgentDefinition, type AgentDeps } from './agent';

/** The facts of a site as a few compact lines (small models have small contexts). */
function factLines(f: SiteFacts, area?: 'website' | 'seo' | 'social'): string {
  const findings = f.findings.filter((x) => !area || x.area === area).map((x) => `- ${x.issue}`);
  return [`Site: ${f.domain} (${f.pages.length} pages read)`, ...(findings.length ? ['Problems found:', ...findings] : ['No problems found.'])].join('\n');
}

const assess = 'Give a score from 0 (bad) to 100 (excellent), a one-sentence summary and at most three short recommendations.';

/** Every agent: its role and how its prompt is made from its input. */
const DEFINITIONS: { [A in AgentName]: AgentDefinition<A> } = {
  websiteAudit: { system: `You audit small business websites. ${assess}`, prompt: ({ facts }) => factLines(facts, 'website') },
  socialAnalysis: {
    system: `You assess a business's social media presence. ${assess}`,
    prompt: ({ facts, website }) =>
      `${factLines(facts, 'social')}\nProfiles: ${facts.social.map((s) => `${s.network} ${s.followers ?? '?'} followers, ${s.postsLast30Days ?? '?'} posts in 30 days`).join('; ') || 'none'}\nWebsite score: ${website.score}`,
  },
  seoAnalysis: { system: `You assess a website's search engine optimisation. ${assess}`, prompt: ({ facts, website }) => `${factLines(facts, 'seo')}\nWebsite score: ${website.score}` },
  reportWriter: {
    system: 'You write the headline and a one-sentence summary of a digital presence report.',
    prompt: ({ domain, sections }) => [`Report on ${domain}.`, ...sections.map((s) => `${s.title}${s.score === null ? '' : ` ${s.score}/100`}: ${s.findings.length} problems`)].join('\n'),
  },
  contentBrief: { system: 'You write a short creative brief: audience, up to three key messages, tone.', prompt: ({ business, topic, channel }) => `Business: ${business}\nTopic: ${topic}\nChannel: ${channel}` },
  contentWriter: {
    system: 'You write one advertising creative from a brief: headline, body, call to action.',
    prompt: ({ business, channel, brief }) => `Business: ${business}\nChannel: ${channel}\nAudience: ${brief.audience}\nMessages: ${brief.keyMessages.join('; ')}\nTone: ${brief.tone}`,
  },
  contentEditor: {
    system: 'You edit an advertising creative for clarity and the brief; list up to three changes you made.',
    prompt: ({ channel, brief, draft }) => `Channel: ${channel}\nTone: ${brief.tone}\nHeadline: ${draft.headline}\nBody: ${draft.body}\nCall to action: ${draft.callToAction}`,
  },
  seoKeywords: { system: 'You pick up to five search keywords a small business site should rank for.', prompt: ({ facts }) => `${factLines(facts, 'seo')}\nPage titles: ${facts.pages.map((p) => p.title ?? '(none)').join('; ')}` },
  seoRecommendations: { system: `You recommend search engine optimisation fixes. ${assess}`, prompt: ({ facts, keywords }) => `${factLines(facts, 'seo')}\nTarget keywords: ${keywords.join(', ')}` },
};

/** The agent activities, each `runAgent` over its definition. */
export function createAgents(deps: AgentDeps): AgentActivities {
  const agents = {} as Record<AgentName, unknown>;
  for (const name of Object.keys(DEFINITIONS) as AgentName[]) agents[name] = runAgent(name, DEFINITIONS[name] as never, deps);
  return agents as AgentActivities;
}
