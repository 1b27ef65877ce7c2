/**
 * The demo website of "Harbour Cycles", a bike shop: the site the assistant is tested and benchmarked on,
 * and the one the README's walkthrough crawls. Each page is main content; the server wraps it in the
 * navigation, header and footer a real site has (which the crawler must leave out).
 */
export interface FixturePage {
  readonly path: string;
  readonly title: string;
  readonly main: string;
  /** Linked from the navigation on every page (others are reached from content links or the sitemap). */
  readonly nav?: boolean;
  readonly canonical?: string;
}

export const PAGES: readonly FixturePage[] = [
  {
    path: '/',
    title: 'Harbour Cycles — bikes, repairs and rentals in Portside',
    nav: true,
    main: `<h1>Harbour Cycles</h1>
<p>Harbour Cycles is an independent bike shop on the Portside waterfront, selling city, touring and electric bikes since 2009.</p>
<p>Read about our <a href="/repairs">repair workshop</a>, <a href="/rentals">bike rentals</a>, our <a href="/warranty">warranty</a>, <a href="/shipping">delivery</a> and <a href="/payment">payment options</a>. We are <a href="/careers">hiring</a>.</p>
<p>Latest from the <a href="/blog/">blog</a>.</p>`,
  },
  {
    path: '/faq',
    title: 'Frequently asked questions — Harbour Cycles',
    nav: true,
    main: `<h1>Frequently asked questions</h1>
<h2>Do I need an appointment for a repair?</h2>
<p>No appointment is needed for small repairs such as a flat tyre or brake adjustment; walk in and most are done while you wait. For a full service please book a slot by phone, because the workshop is often booked two or three days ahead.</p>
<h2>Can I test ride a bike before buying?</h2>
<p>Yes. Every bike on the shop floor can be test ridden on the waterfront path. Bring a photo ID, which we hold at the counter during the ride.</p>
<h2>Do you sell second-hand bikes?</h2>
<p>We sell a small range of refurbished used bikes that our mechanics have fully serviced. Each comes with a three-month warranty on parts and labour.</p>
<h2>Do you buy or trade in old bikes?</h2>
<p>We accept trade-ins against the purchase of a new bike. A mechanic values the old bike in the shop; the value is taken off the price of the new one.</p>
<h2>Is there parking at the shop?</h2>
<p>There are four customer parking spaces behind the shop on Dock Lane, and a public car park 200 metres away.</p>`,
  },
  {
    path: '/hours',
    title: 'Opening hours — Harbour Cycles',
    nav: true,
    main: `<h1>Opening hours</h1>
<p>The shop is open Monday to Friday from 9:00 to 18:00, Saturday from 10:00 to 16:00, and closed on Sundays.</p>
<p>The repair workshop takes bikes in until 17:00 on weekdays and until 14:00 on Saturdays.</p>
<h2>Public holidays</h2>
<p>We are closed on public holidays, and between 24 December and 1 January. Opening times change in August, when we close at 16:00 on weekdays.</p>`,
  },
  {
    path: '/pricing',
    title: 'Prices — Harbour Cycles',
    nav: true,
    main: `<h1>Prices</h1>
<h2>Repairs</h2>
<ul><li>Puncture repair: €12, including the inner tube patch</li><li>Brake adjustment: €15 per wheel</li><li>Gear tuning: €20</li><li>Full service: €79, including cleaning, gear and brake tuning and a safety check</li><li>Electric bike service: €99, including a battery and motor diagnostic</li></ul>
<h2>Rentals</h2>
<ul><li>City bike: €18 per day</li><li>Electric bike: €39 per day</li><li>Child seat or trailer: €6 per day</li></ul>
<p>Prices include VAT. Parts are charged separately at list price.</p>`,
  },
  {
    path: '/returns',
    title: 'Returns and refunds — Harbour Cycles',
    nav: true,
    main: `<h1>Returns and refunds</h1>
<p>You can return an unused item within 30 days of purchase for a full refund. Bring the receipt and the original packaging.</p>
<h2>Bikes</h2>
<p>A bike can be returned within 14 days if it has been ridden less than 50 kilometres and has no damage. Custom-built bikes cannot be returned.</p>
<h2>Refunds</h2>
<p>Refunds go back to the original payment method within 5 working days. Online orders can be returned by post; return postage is paid by the customer unless the item was faulty.</p>`,
  },
  {
    path: '/contact',
    title: 'Contact us — Harbour Cycles',
    nav: true,
    main: `<h1>Contact us</h1>
<p>Address: 14 Quay Street, Portside, PS1 4QT.</p>
<p>Phone: +44 20 7946 0321. Email: hello@harbourcycles.example.</p>
<p>For workshop bookings call the workshop line on +44 20 7946 0322.</p>`,
  },
  {
    path: '/shipping',
    title: 'Delivery and shipping — Harbour Cycles',
    main: `<h1>Delivery and shipping</h1>
<p>Parts and accessories ship within the country in 2 to 3 working days. Standard delivery costs €4.95 and is free on orders over €60.</p>
<p>Bikes are delivered assembled and ready to ride by our own van within 25 kilometres of the shop, for a flat fee of €25. Further away, bikes ship 90% assembled in a box by courier for €45.</p>
<p>We do not ship outside the European Union.</p>`,
  },
  {
    path: '/rentals',
    title: 'Bike rentals — Harbour Cycles',
    main: `<h1>Bike rentals</h1>
<p>Rent a city bike or an electric bike by the day to explore the coast. Helmets and locks are included free with every rental.</p>
<p>Book online or in the shop. A deposit of €100 is held on a card and released when the bike comes back. Bikes must be returned by 18:00 the same day, or by closing time on Saturdays.</p>
<p>Riders must be at least 16 years old for electric bikes.</p>`,
  },
  {
    path: '/repairs',
    title: 'Repair workshop — Harbour Cycles',
    main: `<h1>Repair workshop</h1>
<p>Our workshop repairs all makes of bike, including electric bikes from Bosch, Shimano and Yamaha systems.</p>
<p>A full service usually takes two working days. We call you when your bike is ready, and keep it free of charge for a week.</p>
<p>We do not repair carbon frames; we can send them to a specialist for an assessment.</p>`,
  },
  {
    path: '/warranty',
    title: 'Warranty — Harbour Cycles',
    main: `<h1>Warranty</h1>
<p>New bikes come with the manufacturer's frame warranty, usually five years, and a two-year warranty on parts.</p>
<p>Our own repairs are guaranteed for 90 days: if the same fault returns, we fix it again at no cost.</p>
<p>Electric bike batteries are covered for two years or 500 charge cycles, whichever comes first.</p>`,
  },
  {
    path: '/payment',
    title: 'Payment options — Harbour Cycles',
    main: `<h1>Payment options</h1>
<p>We accept cash, debit and credit cards (Visa, Mastercard, American Express), Apple Pay and Google Pay.</p>
<h2>Paying in instalments</h2>
<p>Bikes over €500 can be paid in 12 interest-free monthly instalments, subject to a credit check in the shop.</p>
<p>We also take part in the Cycle to Work scheme: ask your employer for a certificate.</p>`,
  },
  {
    path: '/about',
    title: 'About us — Harbour Cycles',
    nav: true,
    main: `<h1>About us</h1>
<p>Harbour Cycles was founded in 2009 by two former racing mechanics, Ana Costa and Tom Reilly.</p>
<p>Today a team of nine works in the shop and workshop. We sponsor the Portside youth cycling club and run free bike maintenance classes on the first Wednesday of every month at 19:00.</p>`,
  },
  {
    path: '/careers',
    title: 'Careers — Harbour Cycles',
    main: `<h1>Work with us</h1>
<p>We are looking for an experienced bike mechanic for the workshop, full time. Send your CV to jobs@harbourcycles.example.</p>
<p>Weekend sales assistants are also welcome to apply in the shop.</p>`,
  },
  {
    path: '/blog/',
    title: 'Blog — Harbour Cycles',
    nav: true,
    main: `<h1>Blog</h1>
<ul><li><a href="/blog/winter-bike-care">Looking after your bike in winter</a></li><li><a href="/blog/choosing-a-commuter-bike">Choosing a commuter bike</a></li><li><a href="/blog/tyre-pressure">What tyre pressure should I ride?</a></li></ul>`,
  },
  {
    path: '/blog/winter-bike-care',
    title: 'Looking after your bike in winter — Harbour Cycles blog',
    main: `<h1>Looking after your bike in winter</h1>
<p>Road salt eats chains and brake parts. Rinse your bike with fresh water after riding on salted roads, dry the chain and oil it once a week.</p>
<p>Fit mudguards and bright lights; days are short and roads are wet. Store the bike indoors if you can, and keep electric bike batteries above freezing.</p>`,
  },
  {
    path: '/blog/choosing-a-commuter-bike',
    title: 'Choosing a commuter bike — Harbour Cycles blog',
    main: `<h1>Choosing a commuter bike</h1>
<p>For a commute under 10 kilometres on flat roads, a city bike with hub gears needs the least maintenance. For longer or hilly commutes an electric bike makes the trip without arriving sweaty.</p>
<p>Look for mudguards, a rack for panniers and built-in dynamo lights. Frame size matters more than brand: we measure you in the shop for free.</p>`,
  },
  {
    path: '/blog/tyre-pressure',
    title: 'What tyre pressure should I ride? — Harbour Cycles blog',
    main: `<h1>What tyre pressure should I ride?</h1>
<p>City and hybrid tyres usually run at 50 to 70 psi, road tyres at 80 to 100 psi and mountain bike tyres at 25 to 35 psi. The range is printed on the tyre's sidewall.</p>
<p>Heavier riders should stay near the top of the range. Check the pressure every two weeks; tyres lose air slowly even without a puncture.</p>`,
  },
  {
    path: '/service-plans',
    title: 'Service plans — Harbour Cycles',
    main: `<h1>Service plans</h1>
<p>The Harbour Care plan costs €89 a year and includes two full services, free puncture repairs and 10% off parts.</p>
<p>Sign up in the shop; the plan starts on the day of your first service.</p>`,
  },
  {
    path: '/private/staff-notes',
    title: 'Staff notes',
    main: `<h1>Staff notes</h1><p>Internal only: the staff discount code is HARBOUR-STAFF-40 and the alarm code is 4711.</p>`,
  },
];

/** The FAQ again under another path with the same text: the crawler must index it once. */
export const DUPLICATE_PATH = '/faq-copy';
