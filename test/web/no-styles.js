// Stylesheets mean nothing to component tests.
module.exports = {};
