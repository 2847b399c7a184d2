import { parseWallParams } from './wall-params.js';
import './wall-display.js';

if (parseWallParams(location.search).lang === 'en') document.documentElement.lang = 'en';
