const TONES: Record<string, string> = {
  active: 'good',
  invited: 'warn',
  deactivated: 'bad',
  disabled: 'bad',
  revoked: 'bad',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${TONES[status] ?? 'neutral'}`}>{label ?? status}</span>;
}

export function Chips({ items, empty }: { items: string[]; empty?: string }) {
  if (items.length === 0) return <span className="muted">{empty ?? '—'}</span>;
  return (
    <span className="chips">
      {items.map((item) => (
        <span key={item} className="chip">
          {item}
        </span>
      ))}
    </span>
  );
}
