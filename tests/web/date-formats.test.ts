import { describe, expect, it } from 'vitest';
import { formatTime as adminTime } from '../../web/admin/admin-i18n.js';
import { chinaTime } from '../../web/directives/directive-board.js';
import { formatTime as dispatchTime } from '../../web/dispatch/dispatch-i18n.js';
import { formatTime as wallTime } from '../../web/wall/i18n.js';

/** 4 November 2026, 13:07 in China (05:07 UTC): November's 4th, not April's 11th, in every page's English. */
const AT = '2026-11-04T05:07:00Z';

describe('dates as the pages write them (China time, whatever the browser zone)', () => {
  it.each([
    ['wall', (lang: 'zh' | 'en') => wallTime(AT, lang, true), '11/04 13:07', '04 Nov, 13:07'],
    ['dispatch console', (lang: 'zh' | 'en') => dispatchTime(AT, lang), '11/04 13:07', '04 Nov, 13:07'],
    ['admin', (lang: 'zh' | 'en') => adminTime(AT, lang), '2026/11/04 13:07', '04 Nov 2026, 13:07'],
    ['directive desk', (lang: 'zh' | 'en') => chinaTime(lang, AT), '11/4 13:07', '4 Nov, 13:07'],
  ])('%s: Chinese in digits, English with the month by name', (_page, format, zh, en) => {
    expect(format('zh')).toBe(zh);
    expect(format('en')).toBe(en);
  });
});
