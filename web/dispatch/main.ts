import './dispatch-page.js';
