package io.pullsecretinjector.inventory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link ImageInventory} of this replica, with its metrics. */
public class InventoryBeans {

    @Produces
    @Singleton
    ImageInventory inventory(InjectorConfig config, MeterRegistry registry) {
        ImageInventory inventory = new ImageInventory(config.inventoryMaxImages(), System::currentTimeMillis);
        Gauge.builder("pullsecret_injector_inventory_images", inventory, ImageInventory::size)
                .description("Distinct images in the inventory of images to mirror").register(registry);
        Gauge.builder("pullsecret_injector_inventory_evicted", inventory, ImageInventory::evicted)
                .description("Images evicted from the inventory because it was full (raise injector.inventory-max-images)").register(registry);
        return inventory;
    }
}
