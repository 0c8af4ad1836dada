import type { ContentPipelineInput, ContentPipelineResult } from '@fleet/campaigns-contracts';
import { agentWorkflow } from './agents';

/** The content pipeline, `campaign-content-<key>`: a brief, a draft from it, the draft edited; each an agent. */
export async function campaignContentPipelineWorkflow(raw: ContentPipelineInput): Promise<ContentPipelineResult> {
  const w = agentWorkflow('contentPipeline', raw);
  const { business, topic, channel } = w.input;
  w.step('brief');
  const brief = await w.run('contentBrief', { business, topic, channel });
  w.step('draft');
  const draft = await w.run('contentWriter', { business, channel, brief });
  w.step('edit');
  const final = await w.run('contentEditor', { channel, brief, draft });
  w.step('done');
  return { brief, draft, final, agents: w.progress.usage };
}
