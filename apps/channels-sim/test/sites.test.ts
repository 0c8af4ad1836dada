import { startChannelsSim, type ChannelsSim } from '../src';

let sim: ChannelsSim;
beforeAll(async () => {
  sim = await startChannelsSim({ sites: ['extra-shop.example'] });
});
afterAll(() => sim.close());

const get = (path: string) => fetch(`${sim.url}${path}`, { redirect: 'manual' });
const html = async (path: string) => {
  const res = await get(path);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
};
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1] ?? '');

describe('channels-sim: sites for the digital presence audit', () => {
  it('lists the sites, one of each quality, and the configured extra one', async () => {
    const sites = (await (await get('/sites')).json()) as { domain: string; quality: string; url: string }[];
    expect(sites.map((s) => [s.domain, s.quality])).toEqual([
      ['acme-bakery.example', 'good'],
      ['northwind-dental.example', 'fair'],
      ['bluefin-cycles.example', 'poor'],
      ['extra-shop.example', 'fair'],
    ]);
    expect(sites[0]?.url).toBe(`${sim.url}/sites/acme-bakery.example/`);
  });

  it('serves a good site: title, meta description, one h1, alt on every image, canonical, Open Graph, social links', async () => {
    expect((await get('/sites/acme-bakery.example')).headers.get('location')).toBe('/sites/acme-bakery.example/');
    const home = await html('/sites/acme-bakery.example/');
    expect(all(home, /<title>([^<]*)<\/title>/g)).toEqual(['Home | Acme Bakery']);
    expect(home).toMatch(/<meta name="description" content="[^"]+">/);
    expect(all(home, /<h1>([^<]*)<\/h1>/g)).toEqual(['Acme Bakery']);
    expect(all(home, /<h2>([^<]*)<\/h2>/g).length).toBeGreaterThan(0);
    const images = all(home, /(<img [^>]*>)/g);
    expect(images).toHaveLength(3);
    expect(images.every((img) => / alt="[^"]+"/.test(img))).toBe(true);
    expect(home).toContain(`<link rel="canonical" href="${sim.url}/sites/acme-bakery.example/">`);
    expect(home).toContain('property="og:title"');
    expect(all(home, /<a href="(https:[^"]+)" rel="me">/g)).toEqual([
      'https://www.facebook.com/acmebakery',
      'https://www.instagram.com/acmebakery',
      'https://www.linkedin.com/company/acmebakery',
      'https://x.com/acmebakery',
    ]);
    // Every internal link resolves to a page that is there.
    for (const href of new Set(all(home, /<a href="([^"h][^"]*)"/g))) {
      expect((await get(new URL(href, `${sim.url}/sites/acme-bakery.example/`).pathname)).status).toBe(200);
    }
    expect((await get('/sites/acme-bakery.example/images/team.jpg')).headers.get('content-type')).toBe('image/gif');
  });

  it('serves a poor site with what an auditor should find: images without alt, missing h1 and descriptions, a broken link', async () => {
    const home = await html('/sites/bluefin-cycles.example/');
    expect(all(home, /<title>([^<]*)<\/title>/g)).toEqual(['Home']);
    expect(all(home, /(<img [^>]*>)/g).some((img) => !img.includes(' alt='))).toBe(true);
    expect(home).not.toContain('name="viewport"');
    expect(home).toContain('href="old-offers"');
    expect((await get('/sites/bluefin-cycles.example/old-offers')).status).toBe(404);
    const about = await html('/sites/bluefin-cycles.example/about');
    expect(about).not.toContain('<h1>');
    expect(about).not.toContain('name="description"');
    expect(all(await html('/sites/bluefin-cycles.example/contact'), /<h1>([^<]*)<\/h1>/g)).toHaveLength(2);
    expect(all(await html('/sites/bluefin-cycles.example/services'), /<title>([^<]*)<\/title>/g)[0]?.length).toBeGreaterThan(70);
  });

  it('serves robots.txt and sitemap.xml', async () => {
    const robots = await (await get('/sites/acme-bakery.example/robots.txt')).text();
    expect(robots).toContain('User-agent: *');
    expect(robots).toContain(`Sitemap: ${sim.url}/sites/acme-bakery.example/sitemap.xml`);
    const sitemap = await get('/sites/acme-bakery.example/sitemap.xml');
    expect(sitemap.headers.get('content-type')).toMatch(/xml/);
    expect(all(await sitemap.text(), /<loc>([^<]*)<\/loc>/g)).toEqual(['', 'about', 'services', 'contact'].map((p) => `${sim.url}/sites/acme-bakery.example/${p}`));
    expect(await (await get('/sites/bluefin-cycles.example/robots.txt')).text()).not.toContain('Sitemap:');
  });

  it('is the same page on every run', async () => {
    const other = await startChannelsSim({ seed: 99 });
    try {
      const a = await html('/sites/northwind-dental.example/services');
      const b = await (await fetch(`${other.url}/sites/northwind-dental.example/services`)).text();
      expect(b.replaceAll(other.url, sim.url)).toBe(a);
    } finally {
      await other.close();
    }
  });

  it('serves the social profiles the sites link to, and 404 for unknown domains and profiles', async () => {
    const profile = (await (await get('/social/instagram/acmebakery')).json()) as Record<string, unknown>;
    expect(profile).toMatchObject({ network: 'instagram', handle: 'acmebakery', url: 'https://www.instagram.com/acmebakery', followers: expect.any(Number), postsLast30Days: expect.any(Number) });
    expect((await get('/social/instagram/bluefincycles')).status).toBe(404);
    for (const path of ['/sites/unknown.example/', '/sites/unknown.example', '/sites/unknown.example/robots.txt', '/sites/acme-bakery.example/nope']) {
      expect((await get(path)).status).toBe(404);
    }
  });
});
