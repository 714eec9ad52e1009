"""Deep learning on medical images with PyTorch: datasets, two small networks, training loops and
whole-patient evaluation.

Imports torch, so ``import toolkit.imaging`` does not load it; import this package explicitly::

    from toolkit.imaging.dl import CohortSlices, SmallCNN, train_classifier

Modules: `data` (datasets, patient split, augmentation), `models` (SmallCNN, UNet), `train`
(seeded training and prediction loops), `evaluate` (Dice, HD95 and volumes per patient),
`saliency` (where the network looked: vanilla gradients and Grad-CAM).
Taught in lessons 09 and 10.
"""
from .data import (Augment, CohortPatches, CohortSlices, ImageArrays, normalise_intensity,
                   site_confounded_slices, split_patients)
from .evaluate import evaluate_segmentation
from .models import SmallCNN, UNet, count_parameters
from .saliency import grad_cam, saliency_map
from .train import (pick_device, predict_masks, predict_proba, segment_volume, soft_dice_loss,
                    train_classifier, train_segmenter)

__all__ = ["normalise_intensity", "split_patients", "Augment", "CohortSlices", "CohortPatches",
           "site_confounded_slices", "ImageArrays", "SmallCNN", "UNet", "count_parameters",
           "pick_device", "train_classifier", "predict_proba", "train_segmenter", "predict_masks",
           "segment_volume", "soft_dice_loss", "evaluate_segmentation", "saliency_map", "grad_cam"]
