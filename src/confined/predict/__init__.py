"""Layer `predict` (see DEVELOPERS.md architecture): predictions, one concept per module.

- :mod:`~confined.predict.phases`: the phases of a source and their heights (PhaseSet).
- :mod:`~confined.predict.resonance`: spin-resonance energies and parities (C10, C11).
- :mod:`~confined.predict.fermi`: the Fermi-surface image (C14–C17, C5, C6).
- :mod:`~confined.predict.pressure`: Tc(P) of every phase (C4, C12).
- :mod:`~confined.predict.charges`: point charges of the ions (formal oxidation states).
- :mod:`~confined.predict.ewald`: their potential by Ewald summation.
- :mod:`~confined.predict.gap_frame`, :mod:`~confined.predict.gap_function`,
  :mod:`~confined.predict.gap_map`, :mod:`~confined.predict.gap`: gap symmetry
  (C5, C7, C8): cage frames, the gap algebra, maps and pockets, the pipeline.

The relations come from ``confined.theory``; what the paper says and the comparison
with it are in ``confined.validate``, which this layer never imports.
"""
