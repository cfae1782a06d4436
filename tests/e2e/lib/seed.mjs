// The founding document's YAML blocks, read from tests/fixtures/seed/: they are byte-for-byte
// copies of ../shared/seed/000_ebc30c1ff68162ea.txt, and a unit test (ConfigFixtures) fails when
// they drift from it. End-to-end tests use them from here instead of keeping copies of their own.
import { readFileSync } from 'node:fs';

/** One seed block: 'bedrock-mantle-bearer', 'bedrock-mantle-default-chain' or 'bedrock-mantle-projects'. */
export function seedBlock(name) {
  return readFileSync(new URL(`../../fixtures/seed/${name}.yaml`, import.meta.url), 'utf8');
}

/** The `providers:` section of a block (everything before its `models:` line). */
export function providersSection(block) {
  const models = block.indexOf('\nmodels:');
  if (models < 0) throw new Error('seed block has no models: section');
  return block.slice(0, models + 1);
}

/** The block with `endpoint_url` added to its Mantle provider, pointing the real origin at a fake. */
export function withEndpointUrl(block, endpointURL) {
  const anchor = '    endpoint_kind: bedrock_mantle\n';
  if (!block.includes(anchor)) throw new Error('seed block has no bedrock_mantle provider');
  return block.replace(anchor, `${anchor}    endpoint_url: ${endpointURL}\n`);
}
