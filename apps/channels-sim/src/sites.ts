/**
 * The websites the digital presence audit audits (there is no internet here): a few deterministic
 * pages per known domain under /sites/<domain>/ (title, meta description, headings, links, images
 * with and without alt, Open Graph, canonical), its robots.txt and sitemap.xml, and the social
 * profiles its footer links to as JSON under /social/<network>/<handle>. Each site has a quality
 * (good, fair, poor) that decides what an auditor should find wrong; unknown domains are 404.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { between, hashSeed, seededRandom } from '@fleet/shared-random';

export type SiteQuality = 'good' | 'fair' | 'poor';

/** The sites every run serves, one of each quality. */
export const DEFAULT_SITES: Record<string, SiteQuality> = {
  'acme-bakery.example': 'good',
  'northwind-dental.example': 'fair',
  'bluefin-cycles.example': 'poor',
};

const NETWORKS = { facebook: 'https://www.facebook.com/', instagram: 'https://www.instagram.com/', linkedin: 'https://www.linkedin.com/company/', x: 'https://x.com/' } as const;
type Network = keyof typeof NETWORKS;
const PAGES = ['', 'about', 'services', 'contact'] as const;
const IMAGES = ['storefront.jpg', 'team.jpg', 'product.jpg'];
// A transparent 1x1 GIF.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface Site {
  domain: string;
  quality: SiteQuality;
  business: string;
  handle: string;
  networks: Network[];
}

function siteOf(domain: string, quality: SiteQuality): Site {
  const slug = domain.split('.')[0] ?? domain;
  const business = slug.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  const networks: Network[] = quality === 'good' ? ['facebook', 'instagram', 'linkedin', 'x'] : quality === 'fair' ? ['facebook', 'instagram'] : ['facebook'];
  return { domain, quality, business, handle: slug.replace(/-/g, ''), networks };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function page(site: Site, name: (typeof PAGES)[number], base: string): string {
  const { business, quality } = site;
  const label = name === '' ? 'Home' : name.charAt(0).toUpperCase() + name.slice(1);
  const title =
    quality === 'poor' && name === '' ? 'Home' : quality === 'poor' && name === 'services' ? `${business} services, prices, offers, opening hours and everything else you need to know` : `${label} | ${business}`;
  const description = quality === 'good' || name === '' || (quality === 'fair' && name === 'about') ? `${business}: ${label.toLowerCase()} - local, family-run, since 1998.` : undefined;
  const head = [
    '<meta charset="utf-8">',
    `<title>${escape(title)}</title>`,
    description ? `<meta name="description" content="${escape(description)}">` : '',
    quality === 'poor' ? '' : '<meta name="viewport" content="width=device-width, initial-scale=1">',
    quality === 'good' ? `<link rel="canonical" href="${base}${name}">` : '',
    quality !== 'poor' && name === '' ? `<meta property="og:title" content="${escape(business)}"><meta property="og:image" content="${base}images/storefront.jpg">` : '',
  ];
  const h1 = quality === 'poor' && name === 'about' ? '' : quality === 'poor' && name === 'contact' ? `<h1>${escape(business)}</h1><h1>Contact</h1>` : `<h1>${escape(name === '' ? business : `${label} - ${business}`)}</h1>`;
  const images = IMAGES.slice(0, name === '' ? 3 : 1).map((img, i) => {
    const alt = quality === 'good' || (quality === 'fair' && i === 0) ? ` alt="${escape(`${business} ${img.replace('.jpg', '')}`)}"` : '';
    return `<img src="images/${img}"${alt} width="640" height="480">`;
  });
  const broken = quality !== 'good' && name === '' ? '<p><a href="old-offers">Last year\'s offers</a></p>' : '';
  const social = site.networks.map((n) => `<a href="${NETWORKS[n]}${site.handle}" rel="me">${n}</a>`).join(' ');
  return `<!doctype html>
<html lang="en">
<head>
${head.filter(Boolean).join('\n')}
</head>
<body>
<header><nav>${PAGES.map((p) => `<a href="${p === '' ? './' : p}">${p === '' ? 'Home' : p.charAt(0).toUpperCase() + p.slice(1)}</a>`).join(' ')}</nav></header>
<main>
${h1}
<h2>Welcome to ${escape(business)}</h2>
<p>${escape(business)} has served the neighbourhood for over twenty years. Ask us about our ${escape(label.toLowerCase())}.</p>
${images.join('\n')}
<h2>Find us</h2>
<p>12 Market Street. <a href="contact">Contact us</a>.</p>
${broken}
</main>
<footer>${social}</footer>
</body>
</html>
`;
}

export function sitesRouter(sites: Record<string, SiteQuality>): Router {
  const router = express.Router();
  const known = (domain: string) => (Object.hasOwn(sites, domain) ? siteOf(domain, sites[domain] ?? 'fair') : undefined);
  const baseOf = (req: Request, domain: string) => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/sites/${domain}/`;
  const missing = (res: Response) => void res.status(404).type('text/html').send('<!doctype html><title>Not found</title><h1>404 Not Found</h1>');

  router.get('/sites', (req: Request, res: Response) => void res.json(Object.entries(sites).map(([domain, quality]) => ({ domain, quality, url: baseOf(req, domain) }))));

  // /sites/<domain> -> /sites/<domain>/, so that the pages' relative links resolve under it.
  router.get('/sites/:domain', (req: Request<{ domain: string }>, res: Response, next: NextFunction) => {
    if (req.path.endsWith('/')) return next();
    if (known(req.params.domain)) res.redirect(301, `/sites/${req.params.domain}/`);
    else missing(res);
  });

  router.get('/sites/:domain/{:page}', (req: Request<{ domain: string; page?: string }>, res: Response) => {
    const site = known(req.params.domain);
    const name = req.params.page ?? '';
    if (!site) return missing(res);
    const base = baseOf(req, site.domain);
    if (name === 'robots.txt') {
      return void res.type('text/plain').send(`User-agent: *\nDisallow: /sites/${site.domain}/admin/\n${site.quality === 'poor' ? '' : `Sitemap: ${base}sitemap.xml\n`}`);
    }
    if (name === 'sitemap.xml') {
      const listed = site.quality === 'poor' ? [''] : PAGES;
      const urls = listed.map((p) => `  <url><loc>${base}${p}</loc><lastmod>2025-01-15</lastmod></url>`).join('\n');
      return void res.type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`);
    }
    if (!(PAGES as readonly string[]).includes(name)) return missing(res);
    res.type('text/html').send(page(site, name as (typeof PAGES)[number], base));
  });

  router.get('/sites/:domain/images/:image', (req: Request<{ domain: string; image: string }>, res: Response) =>
    known(req.params.domain) && IMAGES.includes(req.params.image) ? void res.type('image/gif').send(GIF) : missing(res),
  );

  /** A profile a known site links to: deterministic audience and activity figures. */
  router.get('/social/:network/:handle', (req: Request<{ network: string; handle: string }>, res: Response) => {
    const site = Object.keys(sites)
      .map((d) => known(d))
      .find((s) => s?.handle === req.params.handle && (s.networks as string[]).includes(req.params.network));
    if (!site) return void res.status(404).json({ error: `no ${req.params.network} profile ${req.params.handle}` });
    const random = seededRandom(hashSeed(0, 'social', req.params.network, site.handle));
    const scale = site.quality === 'good' ? 1 : site.quality === 'fair' ? 0.3 : 0.05;
    res.json({
      network: req.params.network,
      handle: site.handle,
      url: `${NETWORKS[req.params.network as Network]}${site.handle}`,
      followers: Math.round(between(random, 2000, 20000) * scale),
      postsLast30Days: Math.round(between(random, 4, 30) * scale),
      lastPostDaysAgo: Math.round(between(random, 0, 5) / scale),
      engagementRate: Math.round(between(random, 0.01, 0.06) * scale * 10000) / 10000,
    });
  });

  return router;
}
