import './directives-page.js';
