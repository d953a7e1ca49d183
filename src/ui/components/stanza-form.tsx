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
}

/** The fields of one stanza: the main ones first, the tuning ones under "Advanced settings". */
export function StanzaForm({ fields, primary, values, errors, stored, idPrefix, onChange }: StanzaFormProps): React.ReactElement {
  const order = (f: FieldSpec) => primary.indexOf(f.key);
  const main = fields.filter((f) => primary.includes(f.key)).sort((a, b) => order(a) - order(b));
  const advanced = fields.filter((f) => !primary.includes(f.key));
  const advancedHasError = advanced.some((f) => errors[f.key]);
  const [open, setOpen] = React.useState(false);
  const render = (f: FieldSpec) => (
    <FieldControl key={f.key} field={f} value={values[f.key] ?? ''} error={errors[f.key]} stored={stored.has(f.key)} idPrefix={idPrefix} onChange={onChange} />
  );
  return (
    <div>
      {errors._form ? <Message type="error">{errors._form}</Message> : null}
      {main.map(render)}
      {advanced.length > 0 ? (
        // Kept mounted while collapsed and opened when one of its fields is wrong, so an
        // error is never hidden from the admin.
        <CollapsiblePanel
          title="Advanced settings"
          renderChildrenWhenCollapsed
          open={open || advancedHasError}
          onChange={(_e, d) => setOpen(d.action === 'open')}
        >
          {advanced.map(render)}
        </CollapsiblePanel>
      ) : null}
    </div>
  );
}
