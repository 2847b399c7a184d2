import { categories, districtsOf, regionTree, type Category, type RegionNode } from './dispatch-api.js';
import type { Lang } from './dispatch-i18n.js';
import { placeName } from '../shared/i18n.js';

/**
 * The console's reference lists, loaded once (and again on a language
 * switch): categories, the districts of the caller's scope with their
 * streets, and names by code for districts, streets and communities (a
 * grid's community is its code's first 12 digits: the list names it).
 */
export class ReferenceData {
  categoryList: Category[] = [];
  categoryNames = new Map<string, string>();
  districts: RegionNode[] = [];
  placeNames = new Map<string, string>();

  async load(lang: Lang): Promise<void> {
    const [cats, tree] = await Promise.all([categories(), regionTree()]);
    this.categoryList = cats;
    this.districts = districtsOf(tree);
    this.names(lang);
    // A new map, not the old one refilled: the parts it is given redraw only when it is another object (after a
    // language switch the incident's place stayed in the old language until the next tick of the clock).
    const placeNames = new Map<string, string>();
    const walk = (nodes: RegionNode[]) =>
      nodes.forEach((n) => {
        placeNames.set(n.code, placeName(lang, n));
        walk(n.children);
      });
    walk(tree);
    this.placeNames = placeNames;
  }

  /** Category names in `lang`, at once (place names follow with the next load). */
  names(lang: Lang): void {
    this.categoryNames = new Map(this.categoryList.map((c) => [c.code, lang === 'en' ? c.name_en : c.name_zh]));
  }
}
