import React from 'react';
import ControlGroup from '@splunk/react-ui/ControlGroup';
import Select from '@splunk/react-ui/Select';
import Switch from '@splunk/react-ui/Switch';
import Text from '@splunk/react-ui/Text';
import TextArea from '@splunk/react-ui/TextArea';
import { displayLabel, type FieldSpec } from '../schema-fields.js';

export interface FieldControlProps {
  field: FieldSpec;
  value: string | boolean;
  error?: string;
  /** For secret fields: whether storage/passwords already holds one. */
  stored?: boolean;
  /** Prefix of element ids, so two forms on one page do not clash. */
  idPrefix: string;
  onChange: (key: string, value: string | boolean) => void;
  /** Receives the text input element (the dialog focuses the first one on open). */
  inputRef?: (el: HTMLInputElement | null) => void;
}

/** One schema field as a labelled Splunk control, with its error beside it. */
export function FieldControl({ field, value, error, stored, idPrefix, onChange, inputRef }: FieldControlProps): React.ReactElement {
  const id = `${idPrefix}-${field.key}`;
  let help: React.ReactNode = field.help;
  if (field.secret) {
    help = (
      <>
        <span data-secret-status={field.key}>{stored ? 'Stored' : 'Not set'}</span>
        {stored ? (field.multiline ? ' — leave blank to keep it, or paste a new one to replace it. ' : ' — leave blank to keep it, or type a new value to replace it. ') : '. '}
        {field.help}
      </>
    );
  }
  const label = displayLabel(field);
  let control: React.ReactElement;
  if (field.kind === 'boolean') {
    control = (
      <Switch id={id} appearance="toggle" selected={value === true} onClick={() => onChange(field.key, value !== true)}>
        {value === true ? 'On' : 'Off'}
      </Switch>
    );
  } else if (field.kind === 'select') {
    control = (
      <Select inputId={id} value={String(value)} error={Boolean(error)} onChange={(_e, d) => onChange(field.key, String(d.value))} inline={false}>
        {field.options.map((o) => (
          <Select.Option key={o} label={o} value={o} />
        ))}
      </Select>
    );
  } else if (field.multiline) {
    // A pasted PEM: several lines, shown while pasted (a password box would join the lines), never read back.
    control = (
      <TextArea
        inputId={id}
        name={field.key}
        value={String(value)}
        error={Boolean(error)}
        rowsMin={3}
        rowsMax={10}
        spellCheck={false}
        autoComplete="off"
        onChange={(_e, d) => onChange(field.key, d.value)}
      />
    );
  } else {
    control = (
      <Text
        inputId={id}
        {...(inputRef ? { inputRef } : {})}
        name={field.key}
        value={String(value)}
        error={Boolean(error)}
        type={field.secret ? 'password' : 'text'}
        autoComplete={field.secret ? 'new-password' : 'off'}
        onChange={(_e, d) => onChange(field.key, d.value)}
      />
    );
  }
  return (
    <ControlGroup label={label} labelPosition="left" labelWidth={200} help={help} error={error ?? false} required={field.required && !(field.secret && stored)} data-field={field.key}>
      {control}
    </ControlGroup>
  );
}
