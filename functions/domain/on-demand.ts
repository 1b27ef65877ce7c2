/**
 * Domain modules that carry large data or parsers, imported on first use rather than at a function's cold
 * start (code splitting makes each a separate file): phone-number metadata (~120 KB), its time-zone table,
 * the CSV parser and the CSV writer. The api, the launcher and the send worker each need them only for
 * some requests or jobs.
 */
export const phones = () => import('./phone');
export const recipientChecks = () => import('./recipients');
export const recipientsCsv = () => import('./recipients-csv');
export const phoneZones = () => import('./phone-zone');
export const csvExport = () => import('./csv-export');
