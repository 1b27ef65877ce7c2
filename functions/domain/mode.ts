/** DEV prints sends and plays WhatsApp's part; LIVE sends through the Graph API (set by the credentials). */
export type Mode = 'DEV' | 'LIVE';
