import { useId, useState } from 'react';
import type { ListAnswer, Model } from '../api/types';
import { useApiData } from '../api/useApiData';
import { useSession } from '../session';

interface ModelPickerProps {
  selected: string[];
  onChange: (models: string[]) => void;
}

/**
 * The models a key may call: one checkbox per gateway model; none ticked means every model the
 * owner may use. Without the models page the catalogue cannot be read, so ids are typed instead.
 */
export function ModelPicker({ selected, onChange }: ModelPickerProps) {
  const { session } = useSession();
  const canListModels = session.permissions.pages.includes('models');
  const models = useApiData<ListAnswer<Model>>(canListModels ? '/api/v1/admin/models' : null);
  const hintId = useId();

  if (!canListModels || models.error) return <ModelIdsField selected={selected} onChange={onChange} />;

  const ids = models.data?.data.map((model) => model.id) ?? [];
  // A key may name a model that has since left the config; keep it visible so it can be removed.
  for (const id of selected) if (!ids.includes(id)) ids.push(id);

  function toggle(id: string, on: boolean) {
    onChange(on ? [...selected, id] : selected.filter((other) => other !== id));
  }

  return (
    <fieldset className="field model-picker" aria-describedby={hintId}>
      <legend>Models</legend>
      <small id={hintId} className="muted">
        Tick none for every model the owner may use.
      </small>
      {models.loading && !models.data && <span className="muted">Loading models…</span>}
      {models.data && ids.length === 0 && <span className="muted">The gateway has no models.</span>}
      <div className="checkbox-grid">
        {ids.map((id) => (
          <label key={id} className="checkbox">
            <input type="checkbox" checked={selected.includes(id)} onChange={(event) => toggle(id, event.target.checked)} />
            <span>{id}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Model ids typed by hand, for callers who may not read the model catalogue. */
function ModelIdsField({ selected, onChange }: ModelPickerProps) {
  const [text, setText] = useState(selected.join(', '));
  const hintId = useId();
  function onText(value: string) {
    setText(value);
    onChange(
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    );
  }
  return (
    <div className="field">
      <label className="field">
        <span>Models</span>
        <input type="text" aria-describedby={hintId} value={text} onChange={(event) => onText(event.target.value)} />
      </label>
      <small id={hintId} className="muted">
        Model ids separated by commas; leave empty for every model the owner may use.
      </small>
    </div>
  );
}
