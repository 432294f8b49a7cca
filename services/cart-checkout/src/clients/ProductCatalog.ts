/** What checkout needs from product-service (product-api). */
export interface ProductSummary {
  id: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
}

export interface ReservedItem {
  productId: string;
  quantity: number;
  price: number;
}

export interface ProductCatalog {
  /** null when the product does not exist. */
  getProduct(id: string): Promise<ProductSummary | null>;
  /** Takes stock for every item or none; throws a 409 HttpError naming short products. */
  reserve(
    reservationId: string,
    items: { productId: string; quantity: number }[],
  ): Promise<ReservedItem[]>;
  release(reservationId: string): Promise<void>;
}
