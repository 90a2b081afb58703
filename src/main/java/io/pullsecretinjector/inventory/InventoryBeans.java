package io.pullsecretinjector.inventory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.policy.ImageReferenceCache;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes the one {@link ImageInventory} of this replica, with its metrics, and the one cache of
 * parsed image references that it and the admission handler's policy evaluator share, so an image
 * a Pod names is parsed once however many of them read it.
 */
public class InventoryBeans {

    @Produces
    @Singleton
    ImageReferenceCache imageReferences() {
        return new ImageReferenceCache(ImageReferenceCache.DEFAULT_CAPACITY);
    }

    @Produces
    @Singleton
    ImageInventory inventory(InjectorConfig config, MeterRegistry registry, ImageReferenceCache images) {
        ImageInventory inventory = new ImageInventory(config.inventoryMaxImages(), System::currentTimeMillis, images);
        Gauge.builder("pullsecret_injector_inventory_images", inventory, ImageInventory::size)
                .description("Distinct images in the inventory of images to mirror").register(registry);
        Gauge.builder("pullsecret_injector_inventory_evicted", inventory, ImageInventory::evicted)
                .description("Images evicted from the inventory because it was full (raise injector.inventory-max-images)").register(registry);
        return inventory;
    }
}
