import React from 'react';
import CollapsiblePanel from '@splunk/react-ui/CollapsiblePanel';
import Message from '@splunk/react-ui/Message';
import type { FieldSpec } from '../schema-fields.js';
import type { FormErrors, FormValues } from '../form-values.js';
import { FieldControl } from './field-control.js';

export interface StanzaFormProps {
  fields: FieldSpec[];
  primary: string[];
  values: FormValues;
  errors: FormErrors;
  /** Secret field keys that storage/passwords already holds. */
  stored: ReadonlySet<string>;
  idPrefix: string;
  onChange: (key: string, value: string | boolean) => void;
  /** Receives the first main field's text input. */
  firstInputRef?: (el: HTMLInputElement | null) => void;
}

/** The fields of one stanza: the main ones first, the tuning ones under "Advanced settings". */
export function StanzaForm({ fields, primary, values, errors, stored, idPrefix, onChange, firstInputRef }: StanzaFormProps): React.ReactElement {
  const order = (f: FieldSpec) => primary.indexOf(f.key);
  const main = fields.filter((f) => primary.includes(f.key)).sort((a, b) => order(a) - order(b));
  const advanced = fields.filter((f) => !primary.includes(f.key));
  const advancedHasError = advanced.some((f) => errors[f.key]);
  const [open, setOpen] = React.useState(false);
  const render = (f: FieldSpec, i: number) => (
    <FieldControl
      key={f.key}
      field={f}
      value={values[f.key] ?? ''}
      error={errors[f.key]}
      stored={stored.has(f.key)}
      idPrefix={idPrefix}
      onChange={onChange}
      {...(i === 0 && f.kind === 'text' && firstInputRef ? { inputRef: firstInputRef } : {})}
    />
  );
  return (
    <div>
      {errors._form ? <Message type="error">{errors._form}</Message> : null}
      {main.map(render)}
      {advanced.length > 0 ? (
        // Opened whenever one of its fields is wrong, so an error is never hidden.
        <CollapsiblePanel
          title="Advanced settings"
          open={open || advancedHasError}
          onChange={(_e, d) => setOpen(d.action === 'open')}
        >
          {advanced.map((f) => render(f, -1))}
        </CollapsiblePanel>
      ) : null}
    </div>
  );
}
