import type { PageFacts, SiteFacts, SocialProfile } from '@fleet/campaigns-contracts';
import { ApplicationFailure } from '@temporalio/common';

/**
 * The site fetcher: reads a site the way a crawler would (home page, the pages it links to, its
 * robots.txt and sitemap, the social profiles its pages link to) and measures facts by rule. HTML is
 * read with a few regular expressions (the simulator's pages are well-formed; no HTML library), and
 * the sites are served locally (`/sites/<domain>/` and `/social/<network>/<handle>` of the
 * channels simulator): there is no internet here.
 */
const NETWORKS: { network: string; pattern: RegExp }[] = [
  { network: 'facebook', pattern: /facebook\.com\/([\w.-]+)/i },
  { network: 'instagram', pattern: /instagram\.com\/([\w.-]+)/i },
  { network: 'linkedin', pattern: /linkedin\.com\/company\/([\w.-]+)/i },
  { network: 'x', pattern: /\/\/(?:www\.)?(?:x|twitter)\.com\/([\w.-]+)/i },
];
const MAX_PAGES = 12;
const TIMEOUT_MS = 10_000;

const attr = (tag: string, name: string): string | null => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1] ?? null;
const tags = (html: string, name: string): string[] => html.match(new RegExp(`<${name}\\b[^>]*>`, 'gi')) ?? [];
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();

async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
    return { status: res.status, text: res.ok ? await res.text() : '' };
  } catch (err) {
    throw ApplicationFailure.retryable(`${url} could not be read: ${err instanceof Error ? err.message : String(err)}`, 'SiteUnreachable');
  }
}

export function pageFacts(path: string, status: number, html: string): PageFacts {
  const metas = tags(html, 'meta');
  const links = tags(html, 'link');
  const images = tags(html, 'img');
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const description = metas.find((m) => attr(m, 'name')?.toLowerCase() === 'description');
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? '';
  return {
    path,
    status,
    title: title ? decode(title) : null,
    description: description ? decode(attr(description, 'content') ?? '') || null : null,
    h1: tags(html, 'h1').length,
    images: images.length,
    imagesWithoutAlt: images.filter((i) => !(attr(i, 'alt') ?? '').trim()).length,
    viewport: metas.some((m) => attr(m, 'name')?.toLowerCase() === 'viewport'),
    canonical: links.some((l) => attr(l, 'rel')?.toLowerCase() === 'canonical'),
    openGraph: metas.some((m) => (attr(m, 'property') ?? '').startsWith('og:')),
    words: body.replace(/<[^>]+>/g, ' ').split(/\s+/).filter(Boolean).length,
  };
}

/** Problems by rule: what the agents judge and the report lists. */
export function findingsOf(f: Omit<SiteFacts, 'findings'>): SiteFacts['findings'] {
  const out: SiteFacts['findings'] = [];
  const ok = f.pages.filter((p) => p.status === 200);
  const count = (pred: (p: PageFacts) => boolean) => ok.filter(pred).length;
  const website = (issue: string) => out.push({ area: 'website', issue });
  const seo = (issue: string) => out.push({ area: 'seo', issue });
  if (f.brokenLinks.length) website(`${f.brokenLinks.length} broken link(s): ${f.brokenLinks.slice(0, 3).join(', ')}`);
  const noViewport = count((p) => !p.viewport);
  if (noViewport) website(`${noViewport} of ${ok.length} pages have no viewport meta tag (not mobile-friendly)`);
  const alt = ok.reduce((n, p) => n + p.imagesWithoutAlt, 0);
  if (alt) website(`${alt} image(s) without alt text`);
  const h1 = count((p) => p.h1 !== 1);
  if (h1) website(`${h1} page(s) without exactly one h1 heading`);
  const noDescription = count((p) => !p.description);
  if (noDescription) seo(`${noDescription} of ${ok.length} pages have no meta description`);
  const badTitles = ok.filter((p) => !p.title || p.title.length < 10 || p.title.length > 60);
  if (badTitles.length) seo(`${badTitles.length} page title(s) missing, too short or too long: ${badTitles.map((p) => JSON.stringify(p.title ?? '')).slice(0, 3).join(', ')}`);
  const noCanonical = count((p) => !p.canonical);
  if (noCanonical) seo(`${noCanonical} page(s) without a canonical link`);
  if (!ok.some((p) => p.openGraph)) seo('no Open Graph tags (links shared on social networks show no preview)');
  if (!f.robotsTxt) seo('no robots.txt');
  else if (!f.sitemapInRobots) seo('robots.txt does not name the sitemap');
  if (f.sitemapUrls < ok.length) seo(`the sitemap lists ${f.sitemapUrls} of ${ok.length} pages`);
  const networks = f.social.map((s) => s.network);
  if (networks.length < 2) out.push({ area: 'social', issue: `linked to ${networks.length} social network(s) only${networks.length ? ` (${networks.join(', ')})` : ''}` });
  for (const s of f.social) {
    if (s.followers === null) out.push({ area: 'social', issue: `the ${s.network} profile ${s.handle} could not be read` });
    else if ((s.postsLast30Days ?? 0) < 4) out.push({ area: 'social', issue: `${s.network}: ${s.postsLast30Days ?? 0} posts in 30 days, last ${s.lastPostDaysAgo ?? '?'} days ago` });
  }
  return out;
}

/** `fetchSite`: the facts of `domain` as served under `sitesBaseUrl`. */
export async function fetchSiteFacts(sitesBaseUrl: string, domain: string): Promise<SiteFacts> {
  const origin = sitesBaseUrl.replace(/\/+$/, '');
  const root = `${origin}/sites/${domain}/`;
  const home = await get(root);
  if (home.status === 404) throw ApplicationFailure.nonRetryable(`no site is served for ${domain}`, 'SiteNotFound');
  if (home.status !== 200) throw ApplicationFailure.retryable(`${root} answered ${home.status}`, 'SiteUnavailable');
  const pages: PageFacts[] = [pageFacts('/', home.status, home.text)];
  const brokenLinks: string[] = [];
  const seen = new Set([root]);
  const hrefs = new Set<string>();
  const queue = [home.text];
  while (queue.length && seen.size < MAX_PAGES) {
    const html = queue.shift() as string;
    for (const a of tags(html, 'a')) {
      const href = attr(a, 'href');
      if (href) hrefs.add(href);
      if (!href || /^(?:[a-z]+:|\/\/|#)/i.test(href)) continue;
      const url = new URL(href, root).toString().replace(/#.*$/, '');
      if (!url.startsWith(root) || seen.has(url) || seen.size >= MAX_PAGES) continue;
      seen.add(url);
      const page = await get(url);
      if (page.status !== 200) brokenLinks.push(url.slice(root.length - 1));
      else {
        pages.push(pageFacts(url.slice(root.length - 1), page.status, page.text));
        queue.push(page.text);
      }
    }
  }
  const robots = await get(`${root}robots.txt`);
  const sitemap = await get(`${root}sitemap.xml`);
  const social: SocialProfile[] = [];
  for (const href of hrefs) {
    for (const { network, pattern } of NETWORKS) {
      const handle = pattern.exec(href)?.[1];
      if (!handle || social.some((s) => s.network === network)) continue;
      const profile = await get(`${origin}/social/${network}/${encodeURIComponent(handle)}`);
      const data = profile.status === 200 ? (JSON.parse(profile.text) as Record<string, unknown>) : {};
      const num = (k: string) => (typeof data[k] === 'number' ? (data[k] as number) : null);
      social.push({ network, handle, url: href, followers: num('followers'), postsLast30Days: num('postsLast30Days'), lastPostDaysAgo: num('lastPostDaysAgo'), engagementRate: num('engagementRate') });
    }
  }
  const facts = {
    domain,
    url: root,
    pages,
    brokenLinks,
    robotsTxt: robots.status === 200,
    sitemapInRobots: /^sitemap:/im.test(robots.text),
    sitemapUrls: (sitemap.text.match(/<loc>/gi) ?? []).length,
    social,
  };
  return { ...facts, findings: findingsOf(facts) };
}
