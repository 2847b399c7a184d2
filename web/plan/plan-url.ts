import type { Lang } from './plan-i18n.js';

/** What /plan shows, as its URL holds it: `?community=…&plan=…&lang=en`. */
export interface PlanLocation {
  community: string;
  plan: number | null;
  lang: Lang;
}

const COMMUNITY = /^\d{12}$/;

/** Reads the editor's place from a query string; anything malformed is left out, never guessed. */
export function parsePlanLocation(search: string): PlanLocation {
  const q = new URLSearchParams(search);
  const community = q.get('community') ?? '';
  const plan = Number(q.get('plan'));
  return {
    community: COMMUNITY.test(community) ? community : '',
    plan: COMMUNITY.test(community) && Number.isSafeInteger(plan) && plan > 0 ? plan : null,
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
  };
}

/** The URL of a place in the editor (Chinese, the default language, is not written). */
export function planUrl(l: PlanLocation): string {
  const q = new URLSearchParams();
  if (l.community) q.set('community', l.community);
  if (l.community && l.plan !== null) q.set('plan', String(l.plan));
  if (l.lang === 'en') q.set('lang', 'en');
  const s = q.toString();
  return `/plan${s ? `?${s}` : ''}`;
}
