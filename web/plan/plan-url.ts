import type { Lang } from './plan-i18n.js';

/** What /plan shows, as its URL holds it: `?community=…&plan=…&lang=en`, or `?place=…` for a district or street looked into. */
export interface PlanLocation {
  community: string;
  plan: number | null;
  /** A district or street whose parts the map shows while no community is chosen; '' for the scope's own view. */
  place: string;
  lang: Lang;
}

const COMMUNITY = /^\d{12}$/;
const PLACE = /^(\d{6}|\d{9})$/;

/** Reads the editor's place from a query string; anything malformed is left out, never guessed. */
export function parsePlanLocation(search: string): PlanLocation {
  const q = new URLSearchParams(search);
  const community = q.get('community') ?? '';
  const plan = Number(q.get('plan'));
  return {
    community: COMMUNITY.test(community) ? community : '',
    plan: COMMUNITY.test(community) && Number.isSafeInteger(plan) && plan > 0 ? plan : null,
    place: !COMMUNITY.test(community) && PLACE.test(q.get('place') ?? '') ? q.get('place')! : '',
    lang: q.get('lang') === 'en' ? 'en' : 'zh',
  };
}

/** The URL of a place in the editor (Chinese, the default language, is not written). */
export function planUrl(l: PlanLocation): string {
  const q = new URLSearchParams();
  if (l.community) q.set('community', l.community);
  if (l.community && l.plan !== null) q.set('plan', String(l.plan));
  if (!l.community && l.place) q.set('place', l.place);
  if (l.lang === 'en') q.set('lang', 'en');
  const s = q.toString();
  return `/plan${s ? `?${s}` : ''}`;
}
