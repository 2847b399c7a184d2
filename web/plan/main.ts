import './plan-page.js';
