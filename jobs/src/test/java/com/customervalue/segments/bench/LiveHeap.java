package com.customervalue.segments.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap the run held after a garbage collection: what it needed alive at once, unlike the
 * pools' peak use, which counts garbage the collector had no reason to free yet under a large
 * maximum heap.
 */
final class LiveHeap implements AutoCloseable {
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  /** Starts watching every collector of this JVM. */
  static LiveHeap watch() {
    LiveHeap heap = new LiveHeap();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(heap.listener, null, null);
        heap.emitters.add(emitter);
      }
    }
    return heap;
  }

  /** The largest heap in use right after any collection so far, in bytes. */
  long peakBytes() {
    return peakAfterGc.get();
  }

  private void collected(Notification notification, Object handback) {
    if (!notification
        .getType()
        .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long used =
        info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
            .filter(pool -> isHeap(pool.getKey()))
            .mapToLong(pool -> pool.getValue().getUsed())
            .sum();
    peakAfterGc.accumulateAndGet(used, Math::max);
  }

  private static boolean isHeap(String pool) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(
            bean ->
                bean.getName().equals(pool)
                    && bean.getType() == java.lang.management.MemoryType.HEAP);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
