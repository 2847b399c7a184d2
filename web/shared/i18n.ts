/** The two languages of every page: Chinese (the default) and English. */
export type Lang = 'zh' | 'en';

/** `?lang=en` picks English; anything else (or nothing) is Chinese. */
export function langFrom(search: string): Lang {
  return new URLSearchParams(search).get('lang') === 'en' ? 'en' : 'zh';
}

/** The locale numbers and dates are formatted in. */
export function localeOf(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'zh-CN';
}

/**
 * How a date's month is written: by name in English ("4 Nov": readers of English disagree on whether 04/11 is
 * April or November), in digits in Chinese (11/04, 11月4日 read one way only).
 */
export function monthOf(lang: Lang): 'short' | '2-digit' {
  return lang === 'en' ? 'short' : '2-digit';
}

/** A page's strings in the language asked for: `strings = translations({ zh: {...}, en: {...} })`. */
export function translations<T>(table: Record<Lang, T>): (lang: Lang) => T {
  return (lang) => table[lang];
}

/** Anything named in both languages: a region, a grid, a unit. */
export interface Named {
  name: string;
  name_en?: string | null;
}

/** A place's name in the page's language: the English name when there is one. */
export function placeName(lang: Lang, p: Named): string {
  return lang === 'en' && p.name_en ? p.name_en : p.name;
}

/**
 * A part's name where its place is named already (a wall's title, a picker): a grid loses the name of the community
 * it starts with (文化路社区第三网格 → 第三网格, "Wenhualu Community Grid 3" → "Grid 3"). A name that does not start
 * with the place's, or would be left empty, is kept whole (a street's 文化路社区 stays as it is).
 */
export function nameWithin(lang: Lang, part: Named, place?: Named): string {
  const full = placeName(lang, part);
  const prefix = place ? placeName(lang, place) : '';
  const rest = prefix && full.startsWith(prefix) ? full.slice(prefix.length).trim() : '';
  return rest || full;
}

/**
 * The document's language and the tab's title follow the page's: screen readers read it in that language, tabs and
 * history name the page in it, and the API client words its requests' errors in it (api-request.ts).
 */
export function showDocumentIn(lang: Lang, pageTitle: string): void {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = `${pageTitle} · Gridscope`;
}
