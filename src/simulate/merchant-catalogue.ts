import type { TransactionCategory } from './transaction-category.js';

/** How a payment shows up on a statement. */
export type PaymentChannel = 'card' | 'online' | 'direct-debit' | 'payroll' | 'standing-order';

export interface Merchant {
  name: string;
  category: TransactionCategory;
  /** Spellings the merchant takes on statements (branches, acquirers, online names). */
  statementNames: readonly string[];
  /** Median amount in GBP before the user's and currency's scaling. */
  typicalAmount: number;
  /** Standard deviation of the log amount: 0 for a fixed price. */
  spread: number;
  /** Charged once a month on a fixed day instead of drawn day to day. */
  monthly: boolean;
  /** Relative chance that a user has this merchant among their regulars. */
  popularity: number;
  channel: PaymentChannel;
}

function merchant(
  name: string,
  category: TransactionCategory,
  statementNames: readonly string[],
  typicalAmount: number,
  spread: number,
  popularity: number,
  channel: PaymentChannel = 'card',
  monthly = false,
): Merchant {
  return { name, category, statementNames, typicalAmount, spread, monthly, popularity, channel };
}

/** Everyday merchants: users draw their regulars from here. */
export const MERCHANT_CATALOGUE: readonly Merchant[] = [
  merchant('Tesco', 'groceries', ['TESCO STORES', 'TESCO EXPRESS', 'TESCO METRO', 'TESCO'], 32, 0.65, 5),
  merchant("Sainsbury's", 'groceries', ['SAINSBURYS S/MKTS', "SAINSBURY'S LOCAL", 'JS ONLINE GROCERY', 'SAINSBURYS'], 34, 0.6, 4),
  merchant('Lidl', 'groceries', ['LIDL GB', 'LIDL', 'LIDL STIFTUNG'], 24, 0.55, 4),
  merchant('Aldi', 'groceries', ['ALDI STORES', 'ALDI', 'ALDI SUED'], 22, 0.55, 4),
  merchant('Waitrose', 'groceries', ['WAITROSE', 'WAITROSE & PARTNERS', 'LITTLE WAITROSE'], 38, 0.6, 2),
  merchant('Carrefour', 'groceries', ['CARREFOUR CITY', 'CARREFOUR MARKET', 'CARREFOUR'], 30, 0.6, 2),
  merchant('Whole Foods', 'groceries', ['WHOLEFDS MKT', 'WHOLE FOODS MARKET', 'WFM'], 45, 0.6, 1.5),
  merchant('Ocado', 'groceries', ['OCADO RETAIL', 'OCADO.COM'], 85, 0.35, 1.5, 'online'),
  merchant('Pret A Manger', 'dining', ['PRET A MANGER', 'PRET', 'PRET A MANGER LTD'], 7, 0.35, 4),
  merchant('Starbucks', 'dining', ['STARBUCKS', 'STARBUCKS COFFEE', 'SBUX'], 5, 0.3, 4),
  merchant('Costa Coffee', 'dining', ['COSTA COFFEE', 'COSTA'], 4.5, 0.3, 3),
  merchant("McDonald's", 'dining', ["MCDONALD'S", 'MCDONALDS', 'MCD'], 9, 0.4, 3),
  merchant("Nando's", 'dining', ["NANDO'S", 'NANDOS CHICKENLAND'], 24, 0.4, 2),
  merchant('Wagamama', 'dining', ['WAGAMAMA', 'WAGAMAMA LTD'], 28, 0.4, 2),
  merchant('Deliveroo', 'dining', ['DELIVEROO', 'DELIVEROO.CO.UK', 'ROO'], 26, 0.4, 3, 'online'),
  merchant('Uber Eats', 'dining', ['UBER EATS', 'UBER *EATS', 'UBEREATS'], 24, 0.4, 3, 'online'),
  merchant('Pizza Express', 'dining', ['PIZZA EXPRESS', 'PIZZAEXPRESS'], 32, 0.4, 1.5),
  merchant('The Crown & Anchor', 'dining', ['CROWN AND ANCHOR', 'THE CROWN & ANCHOR', 'CROWN&ANCHOR PUB'], 38, 0.5, 1.5),
  merchant('TfL', 'transport', ['TFL TRAVEL CH', 'TFL.GOV.UK/CP', 'TRANSPORT FOR LONDON'], 6, 0.5, 5),
  merchant('Uber', 'transport', ['UBER *TRIP', 'UBER BV', 'UBER TRIP HELP.UBER.COM'], 15, 0.5, 4, 'online'),
  merchant('Trainline', 'transport', ['TRAINLINE', 'TRAINLINE.COM', 'TRAINLINE.COM LTD'], 45, 0.6, 3, 'online'),
  merchant('Shell', 'transport', ['SHELL', 'SHELL SERVICE STN', 'SHELL UK OIL'], 55, 0.3, 2),
  merchant('BP', 'transport', ['BP', 'BP CONNECT', 'BP OIL'], 52, 0.3, 2),
  merchant('Bolt', 'transport', ['BOLT.EU', 'BOLT RIDE'], 12, 0.5, 1.5, 'online'),
  merchant('National Express', 'transport', ['NATIONAL EXPRESS', 'NATEXPRESS COACH'], 25, 0.4, 1),
  merchant('Odeon', 'entertainment', ['ODEON CINEMAS', 'ODEON'], 22, 0.3, 2),
  merchant('Vue', 'entertainment', ['VUE CINEMAS', 'VUE ENTERTAINMENT'], 18, 0.3, 1.5),
  merchant('Ticketmaster', 'entertainment', ['TICKETMASTER', 'TICKETMASTER UK'], 65, 0.5, 2, 'online'),
  merchant('Steam', 'entertainment', ['STEAMGAMES.COM', 'STEAM PURCHASE'], 20, 0.6, 1.5, 'online'),
  merchant('PlayStation Store', 'entertainment', ['PLAYSTATION NETWORK', 'SONY INTERACTIVE'], 25, 0.5, 1.5, 'online'),
  merchant('Hollywood Bowl', 'entertainment', ['HOLLYWOOD BOWL', 'HOLLYWOOD BOWL GRP'], 30, 0.3, 1),
  merchant('Amazon', 'shopping', ['AMZN MKTP UK', 'AMAZON.CO.UK', 'AMZN MKTP', 'AMAZON EU SARL'], 35, 0.8, 5, 'online'),
  merchant('Argos', 'shopping', ['ARGOS', 'ARGOS LTD', 'ARGOS RETAIL'], 45, 0.7, 2),
  merchant('IKEA', 'shopping', ['IKEA', 'IKEA LTD', 'IKEA RESTAURANT'], 90, 0.8, 2),
  merchant('H&M', 'shopping', ['H&M', 'H & M', 'HM.COM'], 40, 0.5, 2.5),
  merchant('Zara', 'shopping', ['ZARA', 'ZARA.COM', 'ZARA UK'], 55, 0.5, 2),
  merchant('John Lewis', 'shopping', ['JOHN LEWIS', 'JOHN LEWIS PLC', 'JOHNLEWIS.COM'], 80, 0.7, 1.5),
  merchant('eBay', 'shopping', ['EBAY', 'EBAY O*', 'PAYPAL *EBAY'], 30, 0.8, 2, 'online'),
  merchant('Boots', 'health', ['BOOTS', 'BOOTS THE CHEMIST', 'BOOTS UK'], 12, 0.6, 4),
  merchant('Superdrug', 'health', ['SUPERDRUG', 'SUPERDRUG STORES'], 10, 0.5, 2),
  merchant('Bupa Dental', 'health', ['BUPA DENTAL CARE', 'BUPA'], 60, 0.4, 1),
  merchant('Specsavers', 'health', ['SPECSAVERS', 'SPECSAVERS OPTICAL'], 110, 0.5, 1),
  merchant('Lloyds Pharmacy', 'health', ['LLOYDSPHARMACY', 'LLOYDS PHARMACY'], 9, 0.5, 1.5),
  merchant('PureGym', 'health', ['PUREGYM', 'PUREGYM LTD'], 24.99, 0, 2, 'direct-debit', true),
  merchant('British Airways', 'travel', ['BRITISH AIRWAYS', 'BA.COM', 'BRIT AIRWAYS'], 220, 0.6, 1.5, 'online'),
  merchant('easyJet', 'travel', ['EASYJET', 'EASYJET AIRLINE CO'], 85, 0.6, 2, 'online'),
  merchant('Booking.com', 'travel', ['BOOKING.COM', 'HOTEL AT BOOKING.COM'], 180, 0.6, 2, 'online'),
  merchant('Airbnb', 'travel', ['AIRBNB', 'AIRBNB * HM'], 160, 0.6, 1.5, 'online'),
  merchant('Premier Inn', 'travel', ['PREMIER INN', 'PREMIER INN HOTELS'], 85, 0.4, 1),
  merchant('Eurostar', 'travel', ['EUROSTAR', 'EUROSTAR INTERNATIONAL'], 130, 0.5, 1, 'online'),
  merchant('British Gas', 'utilities', ['BRITISH GAS', 'BRITISH GAS SERVICES'], 85, 0.15, 3, 'direct-debit', true),
  merchant('Thames Water', 'utilities', ['THAMES WATER', 'THAMES WATER UTILITI'], 35, 0.1, 2, 'direct-debit', true),
  merchant('EDF Energy', 'utilities', ['EDF ENERGY', 'EDF ENERGY CUSTOMERS'], 72, 0.15, 2, 'direct-debit', true),
  merchant('Vodafone', 'utilities', ['VODAFONE LTD', 'VODAFONE'], 32, 0.05, 2.5, 'direct-debit', true),
  merchant('BT Broadband', 'utilities', ['BT GROUP PLC', 'BT BROADBAND'], 40, 0.02, 2.5, 'direct-debit', true),
  merchant('Council Tax', 'utilities', ['COUNCIL TAX', 'LB CAMDEN CTAX', 'CITY COUNCIL CTAX'], 150, 0, 3, 'direct-debit', true),
  merchant('Netflix', 'subscriptions', ['NETFLIX.COM', 'NETFLIX'], 10.99, 0, 4, 'online', true),
  merchant('Spotify', 'subscriptions', ['SPOTIFY', 'SPOTIFY P0', 'SPOTIFY AB'], 11.99, 0, 4, 'online', true),
  merchant('Disney+', 'subscriptions', ['DISNEY PLUS', 'DISNEYPLUS'], 7.99, 0, 2, 'online', true),
  merchant('Amazon Prime', 'subscriptions', ['AMAZON PRIME', 'AMZNPRIME UK', 'PRIME VIDEO'], 8.99, 0, 3, 'online', true),
  merchant('Apple iCloud', 'subscriptions', ['APPLE.COM/BILL', 'APPLE ICLOUD'], 2.99, 0, 3, 'online', true),
  merchant('YouTube Premium', 'subscriptions', ['GOOGLE *YOUTUBE', 'YOUTUBE PREMIUM'], 12.99, 0, 1.5, 'online', true),
  merchant('Microsoft 365', 'subscriptions', ['MICROSOFT*365', 'MSFT * 365'], 5.99, 0, 1.5, 'online', true),
];

/** Merchants that only appear from the middle of the period when drift is on. */
export const DRIFT_MERCHANTS: readonly Merchant[] = [
  merchant('Gorillas', 'groceries', ['GORILLAS', 'GORILLAS TECH'], 28, 0.5, 3, 'online'),
  merchant('Getir', 'groceries', ['GETIR', 'GETIR UK'], 22, 0.5, 3, 'online'),
  merchant('Lime', 'transport', ['LIME*RIDE', 'LIME RIDE'], 4, 0.4, 3, 'online'),
  merchant('Ryanair', 'travel', ['RYANAIR', 'RYANAIR LTD'], 60, 0.6, 3, 'online'),
  merchant('Hostelworld', 'travel', ['HOSTELWORLD', 'HOSTELWORLD.COM'], 45, 0.5, 2, 'online'),
  merchant('Padel Social Club', 'entertainment', ['PADEL SOCIAL CLUB', 'PSC PADEL'], 18, 0.3, 2),
  merchant('Vinted', 'shopping', ['VINTED', 'VINTED UAB'], 16, 0.6, 2, 'online'),
];

/** Employers: salary is paid by one of these, monthly. */
export const EMPLOYERS: readonly Merchant[] = [
  merchant('Acme Ltd', 'income', ['ACME LTD', 'ACME LIMITED PAYROLL'], 3000, 0, 1, 'payroll'),
  merchant('Globex', 'income', ['GLOBEX CORP', 'GLOBEX PAYROLL'], 3000, 0, 1, 'payroll'),
  merchant('Initech', 'income', ['INITECH', 'INITECH SALARIES'], 3000, 0, 1, 'payroll'),
  merchant('Hooli', 'income', ['HOOLI UK LTD', 'HOOLI'], 3000, 0, 1, 'payroll'),
  merchant('Northwind Traders', 'income', ['NORTHWIND TRADERS', 'NORTHWIND'], 3000, 0, 1, 'payroll'),
  merchant('Contoso', 'income', ['CONTOSO LTD', 'CONTOSO PAYROLL'], 3000, 0, 1, 'payroll'),
];

/** Landlords and letting agents: rent is paid to one of these, monthly, by standing order. */
export const LANDLORDS: readonly Merchant[] = [
  merchant('Foxtons', 'housing', ['FOXTONS LTD', 'FOXTONS RENT'], 1300, 0, 1, 'standing-order'),
  merchant('Savills Lettings', 'housing', ['SAVILLS LETTINGS', 'SAVILLS'], 1300, 0, 1, 'standing-order'),
  merchant('Greenhome Properties', 'housing', ['GREENHOME PROPERTIES', 'GREENHOME PROP'], 1300, 0, 1, 'standing-order'),
  merchant('J Smith', 'housing', ['J SMITH', 'MR J SMITH'], 1300, 0, 1, 'standing-order'),
];
