import { useId } from 'react';

export const MIN_PASSWORD_LENGTH = 8;

/** The gateway's rule for a new password, checked here too so the form can say so before sending. */
export function newPasswordProblem(password: string, confirmation: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password !== confirmation) return 'The two new passwords do not match.';
  return null;
}

interface NewPasswordFieldsProps {
  password: string;
  confirmation: string;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
}

export function NewPasswordFields({ password, confirmation, onPassword, onConfirmation }: NewPasswordFieldsProps) {
  const hintId = useId();
  return (
    <>
      <div className="field">
        <label className="field">
          <span>New password</span>
          <input
            type="password"
            name="new-password"
            autoComplete="new-password"
            required
            aria-describedby={hintId}
            value={password}
            onChange={(event) => onPassword(event.target.value)}
          />
        </label>
        <small id={hintId} className="muted">
          At least {MIN_PASSWORD_LENGTH} characters.
        </small>
      </div>
      <label className="field">
        <span>Confirm new password</span>
        <input
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          required
          value={confirmation}
          onChange={(event) => onConfirmation(event.target.value)}
        />
      </label>
    </>
  );
}
