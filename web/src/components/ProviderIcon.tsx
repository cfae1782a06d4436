// A small neutral badge per provider_icon_key: a letter mark and a hue picked from the key, so every
// provider is recognisable at a glance without shipping or fetching anyone's logo.

const MARKS: Record<string, string> = {
  openai: 'OA',
  openai_compat: 'OA',
  azure: 'Az',
  azure_openai: 'Az',
  anthropic: 'An',
  aws: 'AWS',
  aws_bedrock: 'AWS',
  bedrock: 'AWS',
  gcp: 'G',
  gcp_vertex: 'G',
  vertex: 'G',
  google: 'G',
  gemini: 'G',
  github: 'GH',
  github_copilot: 'GH',
  mistral: 'M',
  ollama: 'Ol',
};

function markFor(key: string): string {
  const known = MARKS[key.toLowerCase()];
  if (known) return known;
  const letters = key.replace(/[^a-z0-9]/gi, '');
  return (letters.slice(0, 2) || '?').replace(/^./, (c) => c.toUpperCase());
}

function hueFor(key: string): number {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function ProviderIcon({ iconKey }: { iconKey: string }) {
  const hue = hueFor(iconKey || 'unknown');
  return (
    <span
      className="provider-icon"
      data-icon-key={iconKey}
      aria-hidden="true"
      style={{ background: `hsl(${hue} 30% 92%)`, color: `hsl(${hue} 35% 30%)`, borderColor: `hsl(${hue} 25% 78%)` }}
    >
      {markFor(iconKey || '?')}
    </span>
  );
}
