import { showDocumentIn } from '../shared/i18n.js';
import { strings } from './i18n.js';
import { parseWallParams } from './wall-params.js';
import './wall-display.js';

const { lang } = parseWallParams(location.search);
showDocumentIn(lang, strings(lang).title);
