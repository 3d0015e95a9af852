/** A home currency with the cities its users live in; amounts in the catalogues are in GBP and scaled by `priceLevel`. */
export interface CurrencyRegion {
  currency: string;
  priceLevel: number;
  /** Statement spelling of each city with its ISO country code. */
  cities: readonly (readonly [city: string, country: string])[];
  /** How likely a new user or organisation is to live here. */
  share: number;
}

export const CURRENCY_REGIONS: readonly CurrencyRegion[] = [
  { currency: 'GBP', priceLevel: 1, cities: [['LONDON', 'GB'], ['MANCHESTER', 'GB'], ['BRISTOL', 'GB'], ['LEEDS', 'GB'], ['EDINBURGH', 'GB'], ['GLASGOW', 'GB']], share: 0.45 },
  { currency: 'EUR', priceLevel: 1.16, cities: [['PARIS', 'FR'], ['BERLIN', 'DE'], ['AMSTERDAM', 'NL'], ['DUBLIN', 'IE'], ['MADRID', 'ES'], ['MUNICH', 'DE']], share: 0.35 },
  { currency: 'USD', priceLevel: 1.27, cities: [['NEW YORK', 'US'], ['CHICAGO', 'US'], ['SEATTLE', 'US'], ['AUSTIN', 'US'], ['BOSTON', 'US'], ['DENVER', 'US']], share: 0.2 },
];

export function roundToCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
