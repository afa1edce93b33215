"""Education: short bilingual modules for patients (KNGF 2021 C.1; pure, no Django)."""
