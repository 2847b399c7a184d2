import './explore-page.js';
