/**
 * The product's mark: a ranked list (three bars of falling length) inside a rounded square, the shape of what the
 * platform serves.
 */
export const LogoMark = ({ size }: { size: number }) => (
  <svg width={size} height={size} viewBox="0 0 32 32" role="img" aria-hidden="true">
    <rect x="1" y="1" width="30" height="30" rx="7" fill="#7df3e1" />
    <rect x="7" y="8" width="18" height="4" rx="2" fill="#0b3b4a" />
    <rect x="7" y="14" width="13" height="4" rx="2" fill="#0b3b4a" opacity="0.8" />
    <rect x="7" y="20" width="8" height="4" rx="2" fill="#0b3b4a" opacity="0.6" />
  </svg>
);

/** The mark alone, at the top of the closed sidebar. */
export const LogoIcon = () => <LogoMark size={28} />;
